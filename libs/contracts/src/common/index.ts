export * from './channel-type';
export * from './attachment-ref';
export * from './session-rule';
export * from './operator-role';
