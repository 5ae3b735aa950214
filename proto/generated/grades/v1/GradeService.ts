// Original file: grades/v1/grades.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { SubmitGradeRequest as _grades_v1_SubmitGradeRequest, SubmitGradeRequest__Output as _grades_v1_SubmitGradeRequest__Output } from '../../grades/v1/SubmitGradeRequest.js';
import type { SubmitGradeResponse as _grades_v1_SubmitGradeResponse, SubmitGradeResponse__Output as _grades_v1_SubmitGradeResponse__Output } from '../../grades/v1/SubmitGradeResponse.js';

export interface GradeServiceClient extends grpc.Client {
  SubmitGrade(argument: _grades_v1_SubmitGradeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  SubmitGrade(argument: _grades_v1_SubmitGradeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  SubmitGrade(argument: _grades_v1_SubmitGradeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  SubmitGrade(argument: _grades_v1_SubmitGradeRequest, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  submitGrade(argument: _grades_v1_SubmitGradeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  submitGrade(argument: _grades_v1_SubmitGradeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  submitGrade(argument: _grades_v1_SubmitGradeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  submitGrade(argument: _grades_v1_SubmitGradeRequest, callback: grpc.requestCallback<_grades_v1_SubmitGradeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GradeServiceHandlers extends grpc.UntypedServiceImplementation {
  SubmitGrade: grpc.handleUnaryCall<_grades_v1_SubmitGradeRequest__Output, _grades_v1_SubmitGradeResponse>;
  
}

export interface GradeServiceDefinition extends grpc.ServiceDefinition {
  SubmitGrade: MethodDefinition<_grades_v1_SubmitGradeRequest, _grades_v1_SubmitGradeResponse, _grades_v1_SubmitGradeRequest__Output, _grades_v1_SubmitGradeResponse__Output>
}
