import { conformanceShard } from './suite.js';

conformanceShard(['node'], 'reference', 1, 4);
