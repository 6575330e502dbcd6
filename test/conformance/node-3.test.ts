import { conformanceShard } from './suite.js';

conformanceShard(['node'], 'reference', 3, 4);
