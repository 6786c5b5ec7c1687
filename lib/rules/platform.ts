import { REQUIRED_FIELDS, STRUCTURAL_FIELDS, UNIQUE_FIELDS } from '../mime/index.js';
import { ACTION_TYPES, type ActionType, type FlowDirection } from './delivery.js';

/** A header edit a header rule is configured with. */
export type HeaderEditKind = 'add' | 'set' | 'remove';

/**
 * What the mail flow the rules serve allows: given to config loading and to the rules, so the
 * engine itself knows no platform. WorkMail's is `WORKMAIL_PLATFORM` (lib/workmail); an SMTP
 * filter uses {@link GENERIC_PLATFORM}.
 */
export interface RulePlatform {
  /** Shown in messages (`WorkMail`, `SMTP`). */
  readonly name: string;
  /** Delivery actions available per direction. */
  actionsFor(direction: FlowDirection): readonly ActionType[];
  /** Why a header rule may not make this edit, or undefined when it may. */
  headerEditProblem(name: string, edit: HeaderEditKind): string | undefined;
}

/** The header edits RFC 5322 and MIME forbid everywhere: structure, duplicates, required fields. */
export function genericHeaderEditProblem(name: string, edit: HeaderEditKind): string | undefined {
  const key = name.toLowerCase();
  if (STRUCTURAL_FIELDS.includes(key)) return `${name} describes the MIME structure and is managed by wmflow`;
  if (edit === 'add' && UNIQUE_FIELDS.includes(key)) return `${name} may appear only once: use "set" instead of "add"`;
  if (edit === 'remove' && REQUIRED_FIELDS.includes(key)) return `${name} is required`;
  return undefined;
}

/** A platform with every action and only the RFC's header constraints (SMTP, tests). */
export const GENERIC_PLATFORM: RulePlatform = {
  name: 'generic',
  actionsFor: () => ACTION_TYPES,
  headerEditProblem: genericHeaderEditProblem,
};
