import 'reflect-metadata';
import { startConsoleApi } from './bootstrap';

// The app's code loads after runService has started tracing.
void startConsoleApi(async () => (await import('./app.module.js')).AppModule);
