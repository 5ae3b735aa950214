// Original file: grades/v1/grades.proto


export interface SubmitGradeResponse {
  'id'?: (string);
  'received_at'?: (string);
  'route'?: (string);
  'replayed'?: (boolean);
}

export interface SubmitGradeResponse__Output {
  'id'?: (string);
  'received_at'?: (string);
  'route'?: (string);
  'replayed'?: (boolean);
}
