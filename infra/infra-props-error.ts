import { WmflowError } from '../lib/errors.js';

/**
 * A deployment setting that cannot work (construct prop or CDK context value), raised at
 * synth so a bad value never reaches CloudFormation or, worse, the first message.
 * Code: `INFRA_INVALID_PROPS`.
 */
export class InfraPropsError extends WmflowError {
  constructor(message: string) {
    super('INFRA_INVALID_PROPS', message);
  }
}
