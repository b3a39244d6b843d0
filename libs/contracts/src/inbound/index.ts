export * from './inbound-base';
export * from './message-received.event';
export * from './external-reply-received.event';
export * from './customer-blocked-channel.event';
export * from './reply-receipt-received.event';
