/**
 * The least a k6 script can do for the project's load: a constant-arrival-rate scenario POSTing one
 * fixed record to BASE_URL/course, no checks, no custom metrics, no logging. bench/k6-script.ts runs it
 * beside loadtest/main.ts to price what the project's script adds per request. Plain JS, no imports
 * from the repo, so nothing the project's script does leaks into this one.
 */
/* global __ENV */
import http from 'k6/http';

const RECORD = JSON.stringify({ carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' });
const URL = `${__ENV.BASE_URL}/course`;
const PARAMS = { headers: { 'Content-Type': 'application/json' } };

export const options = {
  scenarios: {
    minimal: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE),
      timeUnit: '1s',
      duration: __ENV.DURATION,
      preAllocatedVUs: Number(__ENV.PRE_ALLOCATED_VUS),
      maxVUs: Number(__ENV.MAX_VUS),
    },
  },
};

export default function () {
  http.post(URL, RECORD, PARAMS);
}
