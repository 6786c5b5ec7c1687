/**
 * What a rule does when it cannot inspect a message: `apply` its blocking action (fail closed),
 * or `skip` (deliver as if the rule did not exist). Configured per rule as `onUninspectable`.
 */
export type UninspectableChoice = 'apply' | 'skip';
