import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseMessageFlowEvent } from '../../lib/workmail/event.js';

const valid = {
  summaryVersion: '2018-10-10',
  envelope: {
    mailFrom: { address: 'from@example.com' },
    recipients: [{ address: 'recipient1@example.com' }, { address: 'recipient2@example.com' }],
  },
  sender: { address: 'sender@example.com' },
  subject: 'Hello From Amazon WorkMail!',
  messageId: '00000000-0000-0000-0000-000000000000',
  invocationId: '00000000000000000000000000000000',
  flowDirection: 'INBOUND',
  truncated: false,
};

describe('parseMessageFlowEvent', () => {
  it('accepts the documented event and tolerates unknown fields', () => {
    const e = parseMessageFlowEvent({ ...valid, somethingNew: 1 });
    expect(e.envelope.recipients.map((r) => r.address)).toEqual(['recipient1@example.com', 'recipient2@example.com']);
    expect(e.flowDirection).toBe('INBOUND');
    expect(e).not.toHaveProperty('somethingNew');
  });

  it('accepts an event without the optional sender, subject and truncated', () => {
    const { sender: _s, subject: _t, truncated: _u, ...rest } = valid;
    const e = parseMessageFlowEvent(rest);
    expect(e.sender).toBeUndefined();
    expect(e.subject).toBeUndefined();
  });

  it('names every problem with its path', () => {
    const bad = { ...valid, messageId: 'Bad_ID', flowDirection: 'SIDEWAYS', envelope: { mailFrom: {}, recipients: [{}] } };
    try {
      parseMessageFlowEvent(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidEventError);
      const e = err as InvalidEventError;
      expect(e.code).toBe('EVENT_INVALID');
      const text = e.problems.join('\n');
      expect(text).toMatch(/^messageId: must be 1-120 characters/m);
      expect(text).toMatch(/^flowDirection: /m);
      expect(text).toMatch(/^envelope\.mailFrom\.address: /m);
      expect(text).toMatch(/^envelope\.recipients\[0\]\.address: /m);
    }
  });

  it('rejects a non-object', () => {
    expect(() => parseMessageFlowEvent('hello')).toThrow(/invalid WorkMail event: \(event\)/);
  });
});
