/**
 * Validates objects against the Kubernetes and Gateway API schemas (kubernetes-models). Those schemas
 * accept unknown fields, so the tests add their own checks on top; kinds without a schema here
 * (Envoy Gateway's EnvoyProxy, k6-operator's TestRun, Linkerd's policy kinds) are reported so a test must check them by hand.
 */
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { GatewayClass } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { K8sObject } from './kustomize.js';

type Validating = new (data: never) => { validate(): void };

const MODELS: Readonly<Record<string, Validating>> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute,
  'gateway.networking.k8s.io/v1/Gateway': Gateway,
  'gateway.networking.k8s.io/v1/GatewayClass': GatewayClass,
};

/** Custom resources of other projects, checked field by field in the tests instead (linkerd-policy.test.ts for Linkerd's). */
export const UNMODELLED = new Set([
  'gateway.envoyproxy.io/v1alpha1/EnvoyProxy',
  'k6.io/v1alpha1/TestRun',
  'policy.linkerd.io/v1beta3/Server',
  'policy.linkerd.io/v1alpha1/MeshTLSAuthentication',
  'policy.linkerd.io/v1alpha1/AuthorizationPolicy',
]);

export function typeKey(o: K8sObject): string {
  return `${o.apiVersion}/${o.kind}`;
}

/** Throws with the schema's message (e.g. "data/spec/ports/0/port must be integer") when invalid. */
export function validateObject(o: K8sObject): 'validated' | 'unmodelled' {
  const key = typeKey(o);
  const Model = MODELS[key];
  if (Model === undefined) {
    if (UNMODELLED.has(key)) return 'unmodelled';
    throw new Error(`${key} ${o.metadata.name}: no schema known for this kind; add it to k8s/lib/schemas.ts`);
  }
  try {
    new Model(structuredClone(o) as never).validate();
  } catch (err) {
    throw new Error(`${key} ${o.metadata.name}: ${(err as Error).message}`, { cause: err });
  }
  return 'validated';
}
