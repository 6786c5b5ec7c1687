import { MimeError } from './errors.js';
import { detectLineEnding } from './line-ending.js';
import { DEFAULT_LIMITS, type MimeLimits } from './limits.js';
import { MimeMessage } from './mime-message.js';
import { splitMessage } from './splitter.js';

/** Options of {@link parseMessage} and {@link parseMessageSync}. */
export interface ParseOptions {
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits?: Partial<MimeLimits>;
}

/**
 * Parses raw message bytes into a {@link MimeMessage} without copying bodies.
 *
 * Structure comes from wmflow's splitter (splitMessage in splitter.ts), which follows mailsplit's
 * (mailparser's) rules, which agree with Python and postal-mime on malformed boundaries;
 * bodies stay views into `input`, and every header block is kept byte for byte. Embedded
 * `message/rfc822` parts are opaque leaves, so nothing inside an attached message is ever
 * edited. The work is synchronous; this form exists for callers that await it.
 *
 * @throws {MimeError} `MIME_TOO_LARGE`, `MIME_TOO_DEEP`, `MIME_TOO_MANY_PARTS`,
 *   `MIME_HEADER_TOO_LARGE` past the limits; `MIME_UNPARSEABLE` on input that is not a Buffer
 *   or would not serialise back to itself.
 */
export async function parseMessage(input: Buffer, options: ParseOptions = {}): Promise<MimeMessage> {
  return parseMessageSync(input, options);
}

/** {@link parseMessage}, synchronously. */
export function parseMessageSync(input: Buffer, options: ParseOptions = {}): MimeMessage {
  const limits: MimeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (!Buffer.isBuffer(input)) {
    throw new MimeError('MIME_UNPARSEABLE', 'message: expected the raw bytes as a Buffer');
  }
  if (input.length > limits.maxMessageBytes) {
    throw new MimeError('MIME_TOO_LARGE', `message: ${input.length} bytes is over the ${limits.maxMessageBytes}-byte limit (maxMessageBytes)`, '');
  }
  const root = splitMessage(input, limits);
  const message = new MimeMessage(root, input, detectLineEnding(input));
  assertRoundTrip(message, input);
  return message;
}

/**
 * Fidelity guard: the parsed tree must serialise to exactly the input. Compared chunk by chunk
 * against views of the input, so it allocates nothing. A mismatch means the splitter lost or
 * moved bytes; refusing the message is safer than editing it.
 */
function assertRoundTrip(message: MimeMessage, input: Buffer): void {
  let offset = 0;
  for (const chunk of message.chunks()) {
    if (offset + chunk.length > input.length || chunk.compare(input, offset, offset + chunk.length) !== 0) {
      throw new MimeError('MIME_UNPARSEABLE', `message: the parsed structure does not reproduce the input at byte ${offset}`);
    }
    offset += chunk.length;
  }
  if (offset !== input.length) {
    throw new MimeError('MIME_UNPARSEABLE', `message: the parsed structure covers ${offset} of ${input.length} bytes`);
  }
}
