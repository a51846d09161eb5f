/** `berth unpause`: thaw each paused container. */
import { freezerVerb } from './pause.js';

export default freezerVerb('container.unpause');
