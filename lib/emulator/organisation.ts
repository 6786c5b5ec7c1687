import { isInternal } from '../rules/address-pattern.js';
import { EmulatorError } from './errors.js';
import { flowRuleProblems, type EmailFlowRule } from './flow-rules.js';

/** The emulated WorkMail organisation: its mail domains and its email flow rules. */
export interface Organisation {
  /** Mail domains of the organisation (lower-case). */
  domains: string[];
  /** Inbound and outbound email flow rules. */
  rules: EmailFlowRule[];
}

/**
 * Whether an address belongs to the organisation: its domain is one of the organisation's or a
 * subdomain of one (the same notion of "internal" wmflow's rule conditions use).
 */
export function isOrganisationAddress(address: string, domains: readonly string[]): boolean {
  return isInternal(address, domains);
}

/** Everything WorkMail would refuse in this organisation's setup (empty: fine). */
export function organisationProblems(org: Organisation): string[] {
  const out: string[] = [];
  for (const d of org.domains)
    if (!/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i.test(d.trim())) out.push(`organisation domain "${d}" is not a domain name`);
  const names = new Set<string>();
  for (const rule of org.rules) {
    if (names.has(`${rule.direction}/${rule.name}`)) out.push(`rule "${rule.name}": two ${rule.direction.toLowerCase()} rules have this name`);
    names.add(`${rule.direction}/${rule.name}`);
    out.push(...flowRuleProblems(rule));
  }
  return out;
}

/**
 * Checks the organisation's setup.
 * @throws {EmulatorError} `EMULATOR_CONFIG_INVALID` listing every problem.
 */
export function assertValidOrganisation(org: Organisation): void {
  const problems = organisationProblems(org);
  if (problems.length) throw new EmulatorError('EMULATOR_CONFIG_INVALID', `the emulated organisation is not valid: ${problems.join('; ')}`);
}
