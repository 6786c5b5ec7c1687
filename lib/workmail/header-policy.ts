/**
 * Header fields WorkMail treats specially when a Lambda updates a message
 * (shared/docs/workmail-message-flow.md, "What updated content must satisfy").
 */
import { genericHeaderEditProblem, type HeaderEditKind } from '../rules/platform.js';

/** Fields whose values must not change (WorkMail rejects the update and names them). */
export const IMMUTABLE_HEADERS: readonly string[] = [
  'message-id',
  'date',
  'from',
  'sender',
  'return-path',
  'received',
  'authentication-results',
  'arc-authentication-results',
  'arc-message-signature',
  'arc-seal',
  'dkim-signature',
];

/** Whether a rule may add, set or remove this header on WorkMail. */
export function headerEditProblem(name: string, edit: HeaderEditKind): string | undefined {
  if (IMMUTABLE_HEADERS.includes(name.toLowerCase())) return `${name} is immutable in WorkMail: updates that change it are rejected`;
  return genericHeaderEditProblem(name, edit);
}

/**
 * File extensions Amazon SES refuses as attachments (SES Developer Guide, "Unsupported
 * attachment types"); WorkMail rejects updated content that carries them.
 */
export const SES_BLOCKED_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp hta inf ins isp its js jse ksh lib lnk ' +
    'mad maf mag mam maq mar mas mat mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml msh1xml msh2xml msi msp ' +
    'mst ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ps1xml ps2 ps2xml psc1 psc2 tmp url vb vbe vbs vps ' +
    'vsmacros vss vst vsw vxd ws wsc wsf wsh xnk'
  ).split(' '),
);
