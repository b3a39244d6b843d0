import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { HealthRegistry, type CheckResult } from './health-registry';

/** The part of Express's and Fastify's response objects the controller needs. */
interface StatusSettable {
  status(code: number): unknown;
}

export interface LivenessBody {
  status: 'ok';
  uptimeSeconds: number;
}

export interface ReadinessBody {
  status: 'ok' | 'unavailable';
  failing: string[];
  checks: CheckResult[];
}

/**
 * `GET /health/live`: the process is up and its event loop answers (no dependency is consulted, so a database
 * outage never gets the pod restarted). `GET /health/ready`: every registered check passes; otherwise 503 with
 * the failing check names.
 */
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  live(): LivenessBody {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: StatusSettable): Promise<ReadinessBody> {
    const readiness = await this.registry.readiness();
    response.status(readiness.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: readiness.ready ? 'ok' : 'unavailable', failing: readiness.failing, checks: readiness.checks };
  }
}
