// What benchmarks and the chaos run use of the tools project: the launcher of `npm run up` and the typed client of
// console-api over real HTTP/WebSocket.
export { freeSystemPorts, startSystem, DEFAULT_PORTS, type RunningSystem, type StartSystemOptions, type SystemPorts, type SystemProcessName } from './up/src/start-system';
export { ServiceProcess } from './up/src/service-process';
export { ConsoleApiClient, LiveSocket, type ApiAnswer, type ApiErrorBody, type LiveFrame } from './e2e/system-client';
