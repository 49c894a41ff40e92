export { createDroverRequestAction, requestEvent } from './actions/request';
export type { DroverRequestActionOptions } from './actions/request';
export { KafkaTransport } from './actions/transport';
export type { DroverReply, RequestTransport, KafkaTransportOptions } from './actions/transport';
export { scaffolderModuleDrover as default } from './module';
