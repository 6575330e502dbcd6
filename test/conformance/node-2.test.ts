import { conformanceShard } from './suite.js';

conformanceShard(['node'], 'reference', 2, 4);
