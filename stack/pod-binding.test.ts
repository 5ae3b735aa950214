// bindPods: which local replica stands for which pod (pure; the real controller's pods are in
// test/autoscaling.integration.test.ts).
import t from 'tap';
import { bindPods } from './pod-binding.js';

t.test('oldest pod to the lowest free ready slot; a binding stays while both exist; gone ones are dropped', async (t) => {
  const b = new Map<string, string>();
  bindPods(b, 'svc-', ['pod-a', 'pod-b'], ['svc-1']);
  t.same([...b], [['pod-a', 'svc-1']], 'one ready slot: the oldest pod gets it, the other waits');
  bindPods(b, 'svc-', ['pod-a', 'pod-b'], ['svc-1', 'svc-2']);
  t.same([...b], [['pod-a', 'svc-1'], ['pod-b', 'svc-2']], 'a second slot ready: the waiting pod gets it; pod-a keeps its own');
  b.set('other-pod', 'other-1');
  bindPods(b, 'svc-', ['pod-b'], ['svc-2']);
  t.same([...b], [['pod-b', 'svc-2'], ['other-pod', 'other-1']], "pod-a gone: its binding is dropped; another Deployment's binding is left alone");
  bindPods(b, 'svc-', ['pod-b', 'pod-c'], ['svc-1']);
  t.same([...b], [['other-pod', 'other-1'], ['pod-b', 'svc-1']], "svc-2 stopped: pod-b's binding goes, and pod-b (the older) takes the free slot");
});
