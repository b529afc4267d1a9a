export { backchannelAuthentication } from './bc-authorize.js';
export {
  deleteCibaRequest,
  loadCibaRequest,
  saveCibaRequest,
  takeCibaRequest,
  type CibaRequest,
} from './requests.js';
