import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PARLEY_LOGGER } from '@parley/observability';
import type { Logger as PinoLogger } from 'pino';
import { AccessTokenService } from '../auth/access-token.service';
import { ConsoleApiConfig } from '../console-api.config';
import { OperatorsService } from './operators.service';

/**
 * Creates the first admin from PARLEY_ADMIN_EMAIL / PARLEY_ADMIN_PASSWORD when no operator has that email.
 * Idempotent across restarts and concurrent replicas (insert-if-absent); an existing admin is never changed. A
 * generated password is printed once, by the process that created the admin, and never again.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  constructor(
    @Inject(OperatorsService) private readonly operators: OperatorsService,
    @Inject(ConsoleApiConfig) private readonly config: ConsoleApiConfig,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
    @Inject(AccessTokenService) private readonly tokens: AccessTokenService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.tokens.generatedKey) {
      this.logger.warn('PARLEY_AUTH_SECRET is not set: a random signing key was generated; logins end when this process stops');
    }
    const email = this.config.PARLEY_ADMIN_EMAIL;
    const given = this.config.PARLEY_ADMIN_PASSWORD;
    const secret = given ?? randomBytes(12).toString('base64url');
    const created = await this.operators.createIfAbsent({ email, name: 'Administrator', role: 'admin', password: secret });
    if (!created) return;
    if (given) {
      this.logger.info({ email }, 'bootstrap admin created with the password from PARLEY_ADMIN_PASSWORD');
    } else {
      // Printed once, on purpose: nobody could log in otherwise. The text avoids `password=` so the log scrubber keeps it.
      this.logger.warn(`bootstrap admin created — log in as ${email} with ${secret} (shown only this once; set PARLEY_ADMIN_PASSWORD to choose it)`);
    }
  }
}
