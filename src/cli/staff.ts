// npm run -s staff -- add <username> --role admin|editor|viewer | passwd <username> | disable <username> | unlock <username> | list
// Staff accounts for the dashboard. The password is read from the terminal without echo, or
// as one line on stdin when stdin is not a terminal (scripts, the acceptance checks).
import { parseArgs } from 'node:util';
import { createLoginLockout } from '../admin/login-lockout.js';
import { hashPassword, passwordProblem } from '../admin/passwords.js';
import { STAFF_ROLES, staffStore, UsernameTakenError } from '../admin/staff-store.js';
import type { StaffRole } from '../admin/sources.js';
import { runCli } from './support.js';

const USAGE = `Usage:
  npm run -s staff -- add <username> --role admin|editor|viewer
  npm run -s staff -- passwd <username>
  npm run -s staff -- disable <username>
  npm run -s staff -- unlock <username>      (lifts a login lock-out, for every address)
  npm run -s staff -- list
The password is asked on the terminal (not shown), or read as one line from stdin.`;

/** Reads one line from a pipe, or asks twice on a terminal with echo off. */
async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let data = '';
    stdin.setEncoding('utf8');
    for await (const chunk of stdin) {
      data += chunk as string;
      if (data.includes('\n')) break;
    }
    return data.split(/\r?\n/)[0] ?? '';
  }
  const ask = (q: string) =>
    new Promise<string>((resolve, reject) => {
      process.stdout.write(q);
      stdin.setRawMode(true);
      stdin.resume();
      stdin.setEncoding('utf8');
      let value = '';
      const onData = (s: string) => {
        for (const ch of s) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            stdin.setRawMode(false);
            stdin.pause();
            process.stdout.write('\n');
            return resolve(value);
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            stdin.setRawMode(false);
            stdin.pause();
            process.stdout.write('\n');
            return reject(new Error('Đã hủy.'));
          }
          if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
          else if (ch >= ' ') value += ch;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask(prompt);
  const again = await ask('Nhập lại mật khẩu: ');
  if (first !== again) throw new Error('Hai lần nhập mật khẩu không khớp.');
  return first;
}

function normaliseUsername(raw: string | undefined): string {
  const u = (raw ?? '').trim().toLowerCase();
  if (!/^[a-z0-9._-]{2,64}$/.test(u)) throw new Error('Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang (2–64 ký tự).');
  return u;
}

async function newPasswordHash(): Promise<string> {
  const password = await readPassword('Mật khẩu mới (ít nhất 10 ký tự): ');
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  return hashPassword(password);
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
const [command, name] = positionals;
if (values.help || !command) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 2);
}

await runCli(async ({ db, config }) => {
  const store = staffStore(db);
  switch (command) {
    case 'add': {
      const username = normaliseUsername(name);
      const role = values.role as StaffRole | undefined;
      if (!role || !STAFF_ROLES.includes(role)) throw new Error('Cần --role admin, editor hoặc viewer.');
      if (await store.findUser(username)) throw new UsernameTakenError(`Tài khoản "${username}" đã có. Dùng "passwd" để đổi mật khẩu.`);
      await store.createUser(username, await newPasswordHash(), role);
      await store.addAudit(null, 'cli', 'staff.add', username, { role });
      console.log(`Đã tạo tài khoản ${username} (${role}).`);
      return;
    }
    case 'passwd': {
      const username = normaliseUsername(name);
      if (!(await store.findUser(username))) throw new Error(`Không có tài khoản "${username}".`);
      await store.setPassword(username, await newPasswordHash());
      await store.addAudit(null, 'cli', 'staff.passwd', username, {});
      console.log(`Đã đổi mật khẩu cho ${username}; các phiên đăng nhập cũ đã bị đóng.`);
      return;
    }
    case 'disable': {
      const username = normaliseUsername(name);
      if (!(await store.disableUser(username))) throw new Error(`Không có tài khoản "${username}".`);
      await store.addAudit(null, 'cli', 'staff.disable', username, {});
      console.log(`Đã khóa tài khoản ${username}.`);
      return;
    }
    case 'unlock': {
      const username = normaliseUsername(name);
      if (!(await createLoginLockout(db, config).unlock(username))) throw new Error(`Không có tài khoản "${username}".`);
      await store.addAudit(null, 'cli', 'staff.unlock', username, {});
      console.log(`Đã mở khóa đăng nhập cho ${username}.`);
      return;
    }
    case 'list': {
      const users = await store.listUsers();
      if (!users.length) console.log('Chưa có tài khoản nào. Tạo bằng: npm run -s staff -- add <tên> --role admin');
      for (const u of users) {
        const state = u.disabled ? 'đã khóa' : u.lockedUntil && u.lockedUntil > new Date() ? 'tạm khóa' : 'hoạt động';
        console.log(`${u.username}\t${u.role}\t${state}\ttạo ${u.createdAt.toISOString().slice(0, 10)}\tđăng nhập ${u.lastLoginAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '—'}`);
      }
      return;
    }
    default:
      throw new Error(`Lệnh không rõ: ${command}\n${USAGE}`);
  }
});
