import { conformanceShard } from './suite.js';

conformanceShard(['node'], 'reference', 0, 4);
