/**
 * Header fields WorkMail treats specially when a Lambda updates a message
 * (see shared/docs/workmail-message-flow.md, "What updated content must satisfy").
 */

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

/** Fields RFC 5322 allows at most once. */
export const UNIQUE_HEADERS: readonly string[] = [
  'date',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'message-id',
  'in-reply-to',
  'references',
  'subject',
];

/** Fields that must be present (RFC 5322 3.6). */
export const REQUIRED_HEADERS: readonly string[] = ['date', 'from'];

/**
 * Structural MIME fields a header rule must not touch: changing them would change how the
 * message is parsed, not what it says.
 */
export const STRUCTURAL_HEADERS: readonly string[] = ['mime-version', 'content-type', 'content-transfer-encoding'];

/** Whether a rule may add, set or remove this header. */
export function headerEditProblem(name: string, operation: 'add' | 'set' | 'remove'): string | undefined {
  const key = name.toLowerCase();
  if (IMMUTABLE_HEADERS.includes(key)) return `${name} is immutable in WorkMail: updates that change it are rejected`;
  if (STRUCTURAL_HEADERS.includes(key)) return `${name} describes the MIME structure and is managed by wmflow`;
  if (operation === 'add' && UNIQUE_HEADERS.includes(key)) return `${name} may appear only once: use "set" instead of "add"`;
  if (operation === 'remove' && REQUIRED_HEADERS.includes(key)) return `${name} is required`;
  return undefined;
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
