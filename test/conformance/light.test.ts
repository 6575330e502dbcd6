import { conformanceShard } from './suite.js';

conformanceShard(['light'], 'reference');
