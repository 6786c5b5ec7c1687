// `node --import` this: writes the process's CPU time (user + system, µs) to WMFLOW_TEST_CPU_FILE at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeFileSync(process.env.WMFLOW_TEST_CPU_FILE, String(user + system));
});
