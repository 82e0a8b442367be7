// npm run zalo:authorize: the first OA token pair (docs/zalo-setup.md).
//   1. prints the OA permission URL with a PKCE challenge;
//   2. the OA admin opens it, allows the app, and Zalo redirects to ZALO_REDIRECT_URI?code=…;
//   3. the admin pastes the code (or the whole URL) here; it is exchanged at
//      ZALO_OAUTH_URL/v4/oa/access_token and the pair is stored in the database.
// Options: --code CODE --verifier V (non-interactive, for a code obtained with that verifier).
import readline from 'node:readline/promises';
import pino from 'pino';
import { createZaloClient } from '../channel/oa-client.js';
import { codeFromInput, createPkce, permissionUrl, pkceChallenge } from '../channel/pkce.js';
import { createTokenStore } from '../channel/token-store.js';
import { runCli } from './support.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

await runCli(async ({ config, db }) => {
  const missing = (['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_REDIRECT_URI'] as const).filter((k) => !config[k]);
  if (missing.length) throw new Error(`set ${missing.join(', ')} first (see docs/zalo-setup.md)`);
  const client = createZaloClient({
    openApiUrl: config.ZALO_OPENAPI_URL,
    oauthUrl: config.ZALO_OAUTH_URL,
    appId: config.ZALO_APP_ID,
    appSecret: config.ZALO_APP_SECRET,
    timeoutMs: config.ZALO_HTTP_TIMEOUT_MS,
  });
  const tokens = createTokenStore({ db, client, log: pino({ level: 'warn' }, pino.destination(2)) });

  let code = arg('--code');
  let verifier = arg('--verifier');
  if (!code || !verifier) {
    const pkce = createPkce();
    verifier = pkce.verifier;
    const url = permissionUrl(config.ZALO_OAUTH_URL, { appId: config.ZALO_APP_ID!, redirectUri: config.ZALO_REDIRECT_URI!, challenge: pkce.challenge, state: pkce.state });
    console.log('1. Mở địa chỉ sau bằng tài khoản quản trị của Official Account và bấm "Cho phép":\n');
    console.log(`   ${url}\n`);
    console.log(`2. Zalo chuyển tới ${config.ZALO_REDIRECT_URI}?code=…&state=${pkce.state}`);
    console.log('   Dán mã code (hoặc cả địa chỉ đó) vào đây trong vòng 10 phút.\n');
    console.log(`   (PKCE verifier, nếu cần chạy lại không tương tác: ${verifier}; challenge ${pkceChallenge(verifier)})\n`);
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    const input = await rl.question('code> ');
    rl.close();
    code = codeFromInput(input, pkce.state);
  }
  const pair = await client.exchangeCode(code, verifier);
  await tokens.saveAuthorized(pair);
  const hours = pair.expiresIn ? Math.round(pair.expiresIn / 360) / 10 : null;
  console.log(`Đã lưu cặp token mới${hours ? ` (access token còn hạn ${hours} giờ)` : ''}. Dịch vụ sẽ tự làm mới token từ nay.`);
});
