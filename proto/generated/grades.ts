import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Grade as _grades_v1_Grade, Grade__Output as _grades_v1_Grade__Output } from './grades/v1/Grade.js';
import type { GradeServiceClient as _grades_v1_GradeServiceClient, GradeServiceDefinition as _grades_v1_GradeServiceDefinition } from './grades/v1/GradeService.js';
import type { SubmitGradeRequest as _grades_v1_SubmitGradeRequest, SubmitGradeRequest__Output as _grades_v1_SubmitGradeRequest__Output } from './grades/v1/SubmitGradeRequest.js';
import type { SubmitGradeResponse as _grades_v1_SubmitGradeResponse, SubmitGradeResponse__Output as _grades_v1_SubmitGradeResponse__Output } from './grades/v1/SubmitGradeResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  grades: {
    v1: {
      Grade: MessageTypeDefinition<_grades_v1_Grade, _grades_v1_Grade__Output>
      GradeService: SubtypeConstructor<typeof grpc.Client, _grades_v1_GradeServiceClient> & { service: _grades_v1_GradeServiceDefinition }
      SubmitGradeRequest: MessageTypeDefinition<_grades_v1_SubmitGradeRequest, _grades_v1_SubmitGradeRequest__Output>
      SubmitGradeResponse: MessageTypeDefinition<_grades_v1_SubmitGradeResponse, _grades_v1_SubmitGradeResponse__Output>
    }
  }
}

