import { loadConfig } from '../../functions/core/config';
export const handler = () => { try { loadConfig({ TIME_SCALE: '7', VOLC_ENDPOINT: 'nope' }); } catch (e) { return String(e); } return 'no error'; };
