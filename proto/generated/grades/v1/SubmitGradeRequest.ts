// Original file: grades/v1/grades.proto

import type { Grade as _grades_v1_Grade, Grade__Output as _grades_v1_Grade__Output } from '../../grades/v1/Grade.js';

export interface SubmitGradeRequest {
  'id'?: (string);
  'run_id'?: (string);
  'grade'?: (_grades_v1_Grade | null);
  'instance'?: (string);
}

export interface SubmitGradeRequest__Output {
  'id'?: (string);
  'run_id'?: (string);
  'grade'?: (_grades_v1_Grade__Output);
  'instance'?: (string);
}
