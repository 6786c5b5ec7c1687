import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../../lib/emulator/errors.js';
import {
  ACTION_RESTRICTIVENESS,
  flowRuleProblems,
  matchFlowRule,
  selectFlowRule,
  type EmailFlowRule,
  type FlowRuleAction,
} from '../../lib/emulator/flow-rules.js';
import { assertValidOrganisation, isOrganisationAddress } from '../../lib/emulator/organisation.js';

const inbound = (name: string, action: FlowRuleAction, senders = ['*'], extra: Partial<EmailFlowRule> = {}): EmailFlowRule => ({
  name,
  direction: 'INBOUND',
  senders,
  action,
  ...extra,
});
const outbound = (name: string, action: FlowRuleAction, senders = ['*'], recipients = ['*'], extra: Partial<EmailFlowRule> = {}): EmailFlowRule => ({
  name,
  direction: 'OUTBOUND',
  senders,
  recipients,
  action,
  ...extra,
});

describe('email flow rule precedence', () => {
  it('the most specific sender pattern wins: address > domain > wildcard domain > *', () => {
    const rules = [
      inbound('everyone', 'DROP'),
      inbound('wildcard', 'BOUNCE', ['*.partner.org']),
      inbound('domain', 'MOVE_TO_JUNK', ['partner.org']),
      inbound('address', 'RUN_LAMBDA', ['ceo@partner.org']),
    ];
    const pick = (sender: string) => selectFlowRule(rules, 'INBOUND', sender, 'user@example.com')?.name;
    expect(pick('ceo@partner.org')).toBe('address');
    expect(pick('CEO@Partner.ORG')).toBe('address');
    expect(pick('other@partner.org')).toBe('domain');
    expect(pick('x@eu.partner.org')).toBe('wildcard');
    expect(pick('x@elsewhere.net')).toBe('everyone');
    expect(selectFlowRule(rules.slice(1), 'INBOUND', 'x@elsewhere.net', 'user@example.com')).toBeUndefined();
  });

  it('inbound, equal specificity: Drop, Bounce, Junk, Default, Never-junk, Run Lambda', () => {
    const order: FlowRuleAction[] = ['DROP', 'BOUNCE', 'MOVE_TO_JUNK', 'DEFAULT', 'NEVER_JUNK', 'RUN_LAMBDA'];
    expect(ACTION_RESTRICTIVENESS.INBOUND).toEqual(order);
    // Listed least restrictive first, so rule order cannot be what decides.
    const rules = [...order].reverse().map((a) => inbound(a.toLowerCase(), a, ['partner.org']));
    for (let i = 0; i < order.length; i++) {
      const remaining = rules.filter((r) => order.indexOf(r.action) >= i);
      expect(selectFlowRule(remaining, 'INBOUND', 'a@partner.org', 'user@example.com')!.action).toBe(order[i]);
    }
  });

  it("outbound, equal specificity: Default, Drop, Bounce, SMTP gateway, Run Lambda (the guide's order)", () => {
    const order: FlowRuleAction[] = ['DEFAULT', 'DROP', 'BOUNCE', 'SMTP_GATEWAY', 'RUN_LAMBDA'];
    expect(ACTION_RESTRICTIVENESS.OUTBOUND).toEqual(order);
    const rules = [...order].reverse().map((a) => outbound(a.toLowerCase(), a, ['example.com'], ['partner.org']));
    for (let i = 0; i < order.length; i++) {
      const remaining = rules.filter((r) => order.indexOf(r.action) >= i);
      expect(selectFlowRule(remaining, 'OUTBOUND', 'me@example.com', 'you@partner.org')!.action).toBe(order[i]);
    }
  });

  it('inbound rules match the Sender header first, then From', () => {
    const rules = [inbound('from-partner', 'DROP', ['partner.org']), inbound('via-agency', 'MOVE_TO_JUNK', ['agency.net'])];
    // On behalf of: Sender is the agency, From the partner. Sender decides, though DROP is more restrictive.
    const m = matchFlowRule(rules, 'INBOUND', ['assistant@agency.net', 'boss@partner.org'], 'user@example.com')!;
    expect([m.rule.name, m.sender]).toEqual(['via-agency', 'assistant@agency.net']);
    // No rule for the Sender: From's rule applies.
    expect(selectFlowRule(rules, 'INBOUND', ['assistant@other.net', 'boss@partner.org'], 'user@example.com')!.name).toBe('from-partner');
    // A catch-all matches the Sender, so it wins over a From-specific rule.
    expect(selectFlowRule([...rules, inbound('all', 'RUN_LAMBDA')], 'INBOUND', ['assistant@other.net', 'boss@partner.org'], 'user@example.com')!.name).toBe(
      'all',
    );
  });

  it('inbound destination patterns narrow a rule to some recipients', () => {
    const rules = [inbound('all', 'RUN_LAMBDA'), inbound('finance', 'BOUNCE', ['*'], { recipients: ['finance@example.com'], bounceMessage: 'no' })];
    expect(selectFlowRule(rules, 'INBOUND', 'x@y.org', 'Finance@example.com')!.name).toBe('finance');
    expect(selectFlowRule(rules, 'INBOUND', 'x@y.org', 'sales@example.com')!.name).toBe('all');
  });

  it('outbound rules need the recipient and the Sender or From to match', () => {
    const rules = [outbound('ceo-to-competitor', 'BOUNCE', ['ceo@example.com'], ['competitor.com'])];
    expect(selectFlowRule(rules, 'OUTBOUND', ['ceo@example.com'], 'x@competitor.com')?.name).toBe('ceo-to-competitor');
    expect(selectFlowRule(rules, 'OUTBOUND', ['ceo@example.com'], 'x@friend.org')).toBeUndefined();
    expect(selectFlowRule(rules, 'OUTBOUND', ['intern@example.com'], 'x@competitor.com')).toBeUndefined();
    // Sent on the CEO's behalf: the Sender header matches.
    expect(selectFlowRule(rules, 'OUTBOUND', ['ceo@example.com', 'assistant@example.com'], 'x@competitor.com')?.name).toBe('ceo-to-competitor');
    // From matches too (Sender someone else).
    expect(selectFlowRule(rules, 'OUTBOUND', ['assistant@example.com', 'ceo@example.com'], 'x@competitor.com')?.name).toBe('ceo-to-competitor');
  });

  it('outbound: the destination pattern ranks before the sender pattern', () => {
    const rules = [outbound('ceo-anywhere', 'RUN_LAMBDA', ['ceo@example.com'], ['*']), outbound('no-competitor', 'BOUNCE', ['*'], ['competitor.com'])];
    expect(selectFlowRule(rules, 'OUTBOUND', 'ceo@example.com', 'x@competitor.com')!.name).toBe('no-competitor');
    expect(selectFlowRule(rules, 'OUTBOUND', 'ceo@example.com', 'x@friend.org')!.name).toBe('ceo-anywhere');
  });

  it('ignores rules of the other direction, and falls to the first listed on a full tie', () => {
    const rules = [outbound('out', 'DROP'), inbound('first', 'DEFAULT'), inbound('second', 'DEFAULT')];
    expect(selectFlowRule(rules, 'INBOUND', 'a@b.org', 'u@example.com')!.name).toBe('first');
  });
});

describe('rules WorkMail would refuse', () => {
  it('names every problem', () => {
    expect(flowRuleProblems(outbound('junk-out', 'MOVE_TO_JUNK'))).toEqual(['rule "junk-out": MOVE_TO_JUNK is not an outbound action']);
    expect(flowRuleProblems(inbound('plus', 'DROP', ['a+b@x.org']))).toEqual(['rule "plus": "a+b@x.org": "+" is not allowed in a pattern']);
    expect(
      flowRuleProblems(inbound('sync', 'RUN_LAMBDA', ['*'], { recipients: ['example.com'], lambda: { fallback: 'DEFAULT', ruleTimeoutMinutes: 300 } })),
    ).toEqual(['rule "sync": the rule timeout must be 0-240 minutes, not 300', 'rule "sync": a synchronous Run Lambda rule supports only the "*" destination']);
    expect(
      flowRuleProblems(
        inbound('async', 'RUN_LAMBDA', ['*'], { recipients: ['example.com'], lambda: { synchronous: false, fallback: 'DEFAULT', ruleTimeoutMinutes: 0 } }),
      ),
    ).toEqual([]);
    expect(flowRuleProblems(outbound('fb', 'RUN_LAMBDA', ['*'], ['*'], { lambda: { fallback: 'MOVE_TO_JUNK', ruleTimeoutMinutes: 1 } }))).toEqual([
      'rule "fb": fallback MOVE_TO_JUNK is not available for outbound mail',
    ]);
    expect(flowRuleProblems(inbound('none', 'DROP', []))).toEqual(['rule "none": needs at least one sender pattern']);
  });

  it('refuses an invalid organisation with a typed error', () => {
    const err = (() => {
      try {
        assertValidOrganisation({ domains: ['example.com', 'not a domain'], rules: [inbound('x', 'SMTP_GATEWAY')] });
      } catch (e) {
        return e as EmulatorError;
      }
    })();
    expect(err).toBeInstanceOf(EmulatorError);
    expect(err!.code).toBe('EMULATOR_CONFIG_INVALID');
    expect(err!.message).toBe(
      'the emulated organisation is not valid: organisation domain "not a domain" is not a domain name; rule "x": SMTP_GATEWAY is not an inbound action',
    );
  });

  it("knows the organisation's addresses (its domains and their subdomains)", () => {
    expect(isOrganisationAddress('User@Example.com', ['example.com'])).toBe(true);
    expect(isOrganisationAddress('u@eu.example.com', ['example.com'])).toBe(true);
    expect(isOrganisationAddress('u@notexample.com', ['example.com'])).toBe(false);
    expect(isOrganisationAddress('example.com', ['example.com'])).toBe(false);
  });
});
