import t from 'tap';
import { ConfigError, readCommon, readHostPorts, readInt, readPort, readUrl } from './config.js';
import { uuidv7 } from './ids.js';

t.test('config readers accept good values and name the variable in every error', async (t) => {
  t.equal(readInt({ N: '12' }, 'N', 5, 0, 100), 12);
  t.equal(readInt({}, 'N', 5, 0, 100), 5, 'default when absent');
  t.equal(readInt({ N: '  ' }, 'N', 5, 0, 100), 5, 'default when blank');
  t.throws(() => readInt({ N: 'ten' }, 'N', 5, 0, 100), { name: 'ConfigError', message: /N="ten" is not an integer; expected 0\.\.100/ });
  t.throws(() => readInt({ N: '101' }, 'N', 5, 0, 100), /N=101 is out of range/);
  t.throws(() => readPort({ PORT: '70000' }, 'PORT', 1), /PORT=70000/);
  t.equal(readUrl({}, 'MONGO_URL', 'mongodb://x:1/', ['mongodb:']), 'mongodb://x:1/');
  t.throws(() => readUrl({ MONGO_URL: 'http://x' }, 'MONGO_URL', 'mongodb://x:1/', ['mongodb:']), /MONGO_URL="http:\/\/x" must use mongodb:/);
  t.throws(() => readUrl({ REDIS_URL: 'not a url' }, 'REDIS_URL', 'redis://x:1', ['redis:']), /REDIS_URL="not a url" is not a URL/);
  t.same(readHostPorts({ A: 'grpc-server:50051' }, 'A', 'x:1'), ['grpc-server:50051']);
  t.same(readHostPorts({ A: '127.0.0.1:1, 127.0.0.1:2' }, 'A', 'x:1'), ['127.0.0.1:1', '127.0.0.1:2'], 'a list: the local replicas');
  t.throws(() => readHostPorts({ A: 'grpc-server' }, 'A', 'x:1'), /must be host:port/);
  t.throws(() => readHostPorts({ A: '127.0.0.1:1,' }, 'A', 'x:1'), /must be host:port/);
  t.throws(() => readCommon({ LOG_LEVEL: 'loud' }, 'svc'), ConfigError);
  t.throws(() => readCommon({ INSTANCE_ID: 'a b' }, 'svc'), /INSTANCE_ID/);
  t.match(readCommon({}, 'svc').instanceId, /^svc-/);
});

t.test('uuidv7 puts the time first, sets version and variant, and sorts by time', async (t) => {
  const a = uuidv7(1_700_000_000_000, Buffer.alloc(10, 0xff));
  t.equal(a, '018bcfe5-6800-7fff-bfff-ffffffffffff');
  const b = uuidv7(1_700_000_000_001, Buffer.alloc(10, 0));
  t.ok(a < b, 'later time sorts later');
  t.match(uuidv7(), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
