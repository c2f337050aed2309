import { runAction } from '@arc-ml/actions-kit';
import { run } from './main.js';

await runAction('connect-arc', () => run());
