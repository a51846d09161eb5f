/** The Docker Engine API server: what the daemon starts. */
export { startDockerApi, type DockerApi, type DockerApiOptions } from './server.js';
export { MAX_API_VERSION, MIN_API_VERSION } from './versions.js';
