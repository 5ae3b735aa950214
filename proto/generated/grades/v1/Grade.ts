// Original file: grades/v1/grades.proto


export interface Grade {
  'curso'?: (string);
  'facultad'?: (string);
  'carrera'?: (string);
  'region'?: (string);
  'carnet'?: (string);
  'nombre'?: (string);
  'nota'?: (number);
  'semestre'?: (string);
  'year'?: (number);
  '_carnet'?: "carnet";
  '_nombre'?: "nombre";
  '_nota'?: "nota";
  '_semestre'?: "semestre";
  '_year'?: "year";
}

export interface Grade__Output {
  'curso'?: (string);
  'facultad'?: (string);
  'carrera'?: (string);
  'region'?: (string);
  'carnet'?: (string);
  'nombre'?: (string);
  'nota'?: (number);
  'semestre'?: (string);
  'year'?: (number);
  '_carnet'?: "carnet";
  '_nombre'?: "nombre";
  '_nota'?: "nota";
  '_semestre'?: "semestre";
  '_year'?: "year";
}
