import { loadOnDemand } from '../on-demand.js';

/** re2js, loaded with the first user pattern: configurations without any never load it. */
export const re2js = (): typeof import('re2js') => loadOnDemand<typeof import('re2js')>('re2js');
