// No password in anything a service prints or answers. Each service runs as a real process with a
// password in every URL it reads: first with bad values of each kind (it must stop with a config
// error that names the variable), then with good URLs pointing at real stores that refuse the password
// or are down (the drivers' errors echo what they were given). Everything it printed and every answer
// it gave is searched for each password.
import t from 'tap';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { startService, type ServiceFolder } from '../stack/services.js';
import { forgetSecrets, redactText, rememberUrlSecrets } from '../service-kit/secrets.js';
import { runTsx } from './run-cli.js';

const PW = { mongo: 'MongoPw-7f3a9c', redis: 'RedisPw-41be07', bad: 'BadPw-9d2e11' };
const leaks = (text: string): string[] => Object.values(PW).filter((p) => text.includes(p) || text.includes(encodeURIComponent(p)));

t.test('redactText masks URL passwords, in good and malformed URLs, and remembered secrets anywhere', async (t) => {
  t.teardown(forgetSecrets);
  t.equal(redactText('redis://:s3cret@host:99999'), 'redis://:***@host:99999', 'a malformed URL (bad port)');
  t.equal(redactText('x mongodb://user:pa@ss@h1:1,h2:2/db?tls=true y'), 'x mongodb://user:***@h1:1,h2:2/db?tls=true y', 'an unencoded @ in the password');
  t.equal(redactText('redis://user@host:6379'), 'redis://user@host:6379', 'no password: nothing to mask');
  t.equal(redactText('http://example.com/a:b@c'), 'http://example.com/a:b@c', 'a path is not user-info');
  rememberUrlSecrets('rediss://default:Pass%2Fword@host:6380');
  t.equal(redactText('AUTH failed for Pass/word and Pass%2Fword'), 'AUTH failed for *** and ***', 'a remembered password, decoded or not');
});

const SERVICES: { name: ServiceFolder | 'grades-api'; entry: string }[] = [
  { name: 'grpc-server', entry: 'grpc-server/main.ts' },
  { name: 'redis-writer', entry: 'redis-writer/main.ts' },
  { name: 'grades-api', entry: 'grades-api/main.ts' },
];

t.test('a bad URL of each kind stops each service with a config error, password masked', async (t) => {
  const bad = [
    { MONGO_URL: `mongodb://user:${PW.bad}@127.0.0.1:99999/` }, // not a URL (port out of range)
    { MONGO_URL: `postgres://user:${PW.bad}@127.0.0.1:5432/` }, // wrong scheme
    { REDIS_URL: `redis://:${PW.bad}@host:99999` }, // the example
    { REDIS_URL: `http://:${PW.bad}@127.0.0.1:6379` }, // wrong scheme
  ];
  for (const svc of SERVICES) {
    for (const env of bad) {
      const name = Object.keys(env)[0]!;
      if (svc.name === 'grpc-server' && name === 'REDIS_URL') continue; // it reads no REDIS_URL
      const r = await runTsx(svc.entry, [], { ...process.env, HOST: '127.0.0.1', PORT: '0', HTTP_PORT: '0', ...env });
      t.equal(r.code, 2, `${svc.name} with a bad ${name}: exit 2`);
      t.match(r.output, new RegExp(name), 'the error names the variable');
      t.same(leaks(r.output), [], `${svc.name}: no password in ${JSON.stringify(r.output.trim().slice(0, 160))}`);
    }
  }
});

t.test('services running with passwords in their URLs, stores refusing or down: no password anywhere', async (t) => {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo({ ownServer: true })]);
  t.teardown(async () => {
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  // Redis has no password set: AUTH is refused. MongoDB is stopped: every call fails with the driver's error.
  await mongo.stop();
  const mongoUrl = mongo.url.replace('mongodb://', `mongodb://bench:${PW.mongo}@`);
  const redisUrl = redis.url.replace('redis://', `redis://default:${PW.redis}@`);
  const env = { MONGO_URL: mongoUrl, REDIS_URL: redisUrl, MONGO_TIMEOUT_MS: '500', LOG_LEVEL: 'debug' };
  const grpcServer = await startService('grpc-server', { env });
  const redisWriter = await startService('redis-writer', { env });
  const grpcClient = await startService('grpc-client', { env: { GRPC_SERVER_ADDR: `127.0.0.1:${grpcServer.port}` } });
  t.teardown(async () => {
    await Promise.allSettled([grpcClient.stop(), redisWriter.stop(), grpcServer.stop()]);
  });
  const answers: string[] = [];
  const get = async (url: string, init?: RequestInit): Promise<void> => {
    const res = await fetch(url, init);
    answers.push(`${res.status} ${await res.text()}`);
  };
  // Let the clients fail a few times each (connect, reconnect, readiness loops), then ask everything.
  await new Promise((r) => setTimeout(r, 3000));
  const body = JSON.stringify({ curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' });
  for (const s of [grpcServer, redisWriter, grpcClient]) await get(`${s.baseUrl}/readyz`);
  for (const s of [redisWriter, grpcClient]) await get(`${s.baseUrl}/course`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  t.ok(answers.some((a) => a.startsWith('503')), 'the stores are unusable: 503s, whose messages carry the drivers\' errors');
  await Promise.all([grpcClient.stop(), redisWriter.stop(), grpcServer.stop()]);
  const printed = [grpcServer, redisWriter, grpcClient].map((s) => s.proc.output()).join('\n');
  t.ok(printed.length > 0 && /warn/.test(printed), 'the services logged their store problems');
  t.same(leaks(printed), [], 'no password in any log line');
  t.same(leaks(answers.join('\n')), [], `no password in any answer: ${answers.join(' | ').slice(0, 300)}`);
});
