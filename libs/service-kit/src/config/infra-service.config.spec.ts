import { ConfigValidationError, loadConfig } from '@parley/observability';
import { InfraServiceConfig } from './infra-service.config';

describe('InfraServiceConfig', () => {
  it('reads several NATS servers, the database and the stream replicas', () => {
    const config = loadConfig(InfraServiceConfig, {
      NATS_URL: 'nats://n0:4222, nats://n1:4222',
      DATABASE_URL: 'postgres://u@db/parley',
      NATS_REPLICAS: '3',
    });
    expect(config.NATS_URL).toEqual(['nats://n0:4222', 'nats://n1:4222']);
    expect(config.NATS_REPLICAS).toBe(3);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig(InfraServiceConfig, { NATS_URL: 'http://x', NATS_REPLICAS: '9' })).toThrow(ConfigValidationError);
    try {
      loadConfig(InfraServiceConfig, { NATS_URL: 'http://x', NATS_REPLICAS: '9' });
    } catch (err) {
      expect((err as ConfigValidationError).variables.sort()).toEqual(['DATABASE_URL', 'NATS_REPLICAS', 'NATS_URL']);
    }
  });
});
