import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorFilter, shaped } from '../errors/error.filter';
import type { ErrorBody } from '../errors/error.filter';

/**
 * How long one request may take to arrive, headers and body: Node's own default, which Fastify turns off. A client
 * that trickles a body (a byte now and then) would otherwise hold its connection, and a file descriptor, for ever.
 */
export const REQUEST_TIMEOUT_MS = 300_000;

/** The answer to a request Node refused before parsing it, by Node's error code. */
function refusal(code: string | undefined): { status: number; statusText: string; body: ErrorBody } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, statusText: 'Request Header Fields Too Large', body: shaped('VALIDATION_FAILED', 'HEADERS_TOO_LARGE', { maxBytes: maxHeaderSize }, {}) };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, statusText: 'Request Timeout', body: shaped('VALIDATION_FAILED', 'REQUEST_TOO_SLOW', { seconds: REQUEST_TIMEOUT_MS / 1000 }, {}) };
  }
  return { status: 400, statusText: 'Bad Request', body: shaped('VALIDATION_FAILED', 'NOT_HTTP', {}, {}) };
}

/**
 * Node refuses some requests before Fastify sees them: headers over its limit, a request too slow to arrive, bytes
 * that are not HTTP. Fastify would answer those in a shape of its own, in English; this answers them in the API's one
 * error shape, in Vietnamese (the request's Accept-Language was never read), and closes the connection.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, statusText, body } = refusal(error.code);
  const text = JSON.stringify(new ErrorFilter().localised(body, 'vi'));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(error);
}
