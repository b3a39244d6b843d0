import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PARLEY_LOGGER } from '@parley/observability';
import type { Logger as PinoLogger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { AccessTokenService } from '../auth/access-token.service';
import { bearerToken } from '../auth/auth.guard';
import type { Operator } from '../operators/operator.model';
import { OperatorsService } from '../operators/operators.service';
import type { LiveFrame } from './feed.model';
import { LiveHub } from './live-hub.service';

export const LIVE_PATH = '/api/live';
/** A socket with more unsent bytes than this is closed; the console reconnects with `since` and loses nothing. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * `ws://…/api/live?access_token=…[&since=…]` on the app's own HTTP server (the `ws` package; Nest's gateway
 * layer adds nothing here). Authenticates before the upgrade, then hands the socket to the hub.
 */
@Injectable()
export class LiveGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  private server: Server | undefined;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AccessTokenService) private readonly tokens: AccessTokenService,
    @Inject(OperatorsService) private readonly operators: OperatorsService,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const socket of this.wss.clients) socket.close(1001, 'server shutting down');
    this.wss.close();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== LIVE_PATH) return; // another upgrade handler's path
    socket.on('error', () => socket.destroy());
    void this.authenticate(request, url).then(
      (operator) => {
        const sinceParam = url.searchParams.get('since');
        const since = sinceParam === null || sinceParam === '' ? undefined : Number(sinceParam);
        if (!operator) return reject(socket, 401, 'Unauthorized');
        if (since !== undefined && (!Number.isSafeInteger(since) || since < 0)) return reject(socket, 400, 'Bad Request');
        this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, operator, since));
      },
      (err: unknown) => {
        this.logger.error({ err }, 'live socket authentication failed');
        reject(socket, 500, 'Internal Server Error');
      },
    );
  };

  private async authenticate(request: IncomingMessage, url: URL): Promise<Operator | undefined> {
    const token = bearerToken(request.headers.authorization) ?? url.searchParams.get('access_token') ?? undefined;
    const claims = token ? this.tokens.verify(token) : undefined;
    return claims ? this.operators.get(claims.sub) : undefined;
  }

  private serve(ws: WebSocket, operator: Operator, since: number | undefined): void {
    const send = (frame: LiveFrame): boolean => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'too slow; reconnect with since');
        return false;
      }
      ws.send(JSON.stringify(frame));
      return true;
    };
    let detach: (() => void) | undefined;
    let closed = false;
    ws.on('close', () => {
      closed = true;
      detach?.();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (raw: RawData) => {
      if (parseType(raw) === 'ping' && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'pong' }));
    });
    this.hub.attach({ operator, send }, since).then(
      (d) => {
        detach = d;
        if (closed) d();
      },
      (err: unknown) => {
        this.logger.error({ err }, 'live replay failed');
        ws.close(1011, 'replay failed; reconnect with since');
      },
    );
  }
}

function parseType(raw: RawData): string | undefined {
  try {
    const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8');
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
      ? (value as { type: string }).type
      : undefined;
  } catch {
    return undefined;
  }
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
