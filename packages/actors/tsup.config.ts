import { packageBuild } from '../../tsup.package.js';

export default packageBuild(['src/index.ts', 'src/service.ts', 'src/free-slots.ts']);
