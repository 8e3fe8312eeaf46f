// Better Auth e-mail options for the reference server: every mail Better Auth
// wants to send is written to the outbox directory (lib/outbox.mjs contract).
//
//   withEmailOptions(baseOptions, { outboxDir, throwMatch, throwMode, callbackLog })
//
// adds, on top of ba-options.mjs's authOptions():
//   emailVerification: { sendVerificationEmail, sendOnSignUp: true, autoSignInAfterVerification: true }
//   emailAndPassword:  { enabled: true, sendResetPassword, revokeSessionsOnPasswordReset: true }
//   user: { changeEmail: { enabled: true, sendChangeEmailConfirmation },
//           deleteUser:  { enabled: true, sendDeleteAccountVerification } }
//   plugins: bearer() (already there) + emailOTP({ sendVerificationOTP, storeOTP: "hashed" })
// None of these change the database schema (emailOTP adds no table/column), so a
// database migrated by seed-better-auth.mjs fits either configuration.
//
// Failure simulation (to observe what Better Auth does when a sender throws):
//   throwMatch  RegExp; when it matches the recipient address the sender fails
//               instead of writing a file
//   throwMode   "async" (default): the callback returns a rejected promise, i.e.
//               an `async` function that throws — the usual way such callbacks
//               are written; "sync": the callback throws synchronously.
// callbackLog: optional file; one JSON line per callback invocation with its
// arguments (for EMAIL-OBSERVATIONS.md).

import { appendFileSync } from "node:fs";
import { emailOTP } from "better-auth/plugins";
import { writeMail } from "./outbox.mjs";

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function linkMail({ to, kind, subject, intro, url, outro }) {
  return {
    to,
    subject,
    // The URL stands alone on its own line; nothing before it looks like a URL.
    text: `${intro}\n\n${url}\n\n${outro}\n`,
    html: `<p>${esc(intro)}</p>\n<p><a href="${esc(url)}">${esc(url)}</a></p>\n<p>${esc(outro)}</p>\n`,
    kind,
  };
}

const OTP_SUBJECTS = {
  "sign-in": "Your sign-in code",
  "email-verification": "Your email verification code",
  "forget-password": "Your password reset code",
  "change-email": "Your email change code",
};

function otpMail({ email, otp, type }) {
  return {
    to: email,
    subject: OTP_SUBJECTS[type] ?? "Your verification code",
    // The code is the first 6-digit run in the text and stands on its own line.
    text: `${otp}\n\nThis is your one-time code (${type}). It expires in 5 minutes.\n`,
    html: `<p><strong>${esc(otp)}</strong></p>\n<p>This is your one-time code (${esc(type)}). It expires in 5 minutes.</p>\n`,
    kind: "otp",
    otpType: type,
  };
}

export function withEmailOptions(base, { outboxDir, throwMatch = null, throwMode = "async", callbackLog = null }) {
  if (!outboxDir) throw new Error("outboxDir is required");

  const logCall = (kind, args, second) => {
    if (!callbackLog) return;
    const secondArg =
      second === undefined ? "undefined" : second instanceof Request ? `Request ${second.method} ${second.url}` : typeof second;
    appendFileSync(callbackLog, `${JSON.stringify({ at: new Date().toISOString(), kind, args, secondArg })}\n`);
  };

  /** Build a sender: (args, second) => Promise<void>; fails on demand. */
  const sender = (kind, build) => (args, second) => {
    logCall(kind, args, second);
    const message = build(args);
    if (throwMatch && throwMatch.test(message.to)) {
      const err = new Error(`simulated mail failure: ${kind} to ${message.to}`);
      if (throwMode === "sync") throw err;
      return Promise.reject(err);
    }
    writeMail(outboxDir, message);
    return Promise.resolve();
  };

  const sendVerificationEmail = sender("verification", ({ user, url }) =>
    linkMail({
      to: user.email, // for change-email this is already the NEW address
      kind: "verification",
      subject: "Verify your email address",
      intro: `Open this link to verify the email address ${user.email}:`,
      url,
      outro: "If you did not request this, ignore this message.",
    }),
  );
  const sendResetPassword = sender("password-reset", ({ user, url }) =>
    linkMail({
      to: user.email,
      kind: "password-reset",
      subject: "Reset your password",
      intro: "Open this link to choose a new password:",
      url,
      outro: "If you did not ask for a password reset, ignore this message.",
    }),
  );
  const sendChangeEmailConfirmation = sender("change-email-confirmation", ({ user, newEmail, url }) =>
    linkMail({
      to: user.email, // the CURRENT address
      kind: "change-email-confirmation",
      subject: "Confirm your email change",
      intro: `Open this link to approve changing your email address to ${newEmail}:`,
      url,
      outro: "If you did not ask for this change, ignore this message.",
    }),
  );
  const sendDeleteAccountVerification = sender("delete-account", ({ user, url }) =>
    linkMail({
      to: user.email,
      kind: "delete-account",
      subject: "Confirm account deletion",
      intro: "Open this link to delete your account:",
      url,
      outro: "If you did not ask to delete your account, ignore this message.",
    }),
  );
  // The second argument of sendVerificationOTP is the endpoint context, not a
  // Request: don't log it (it is huge and circular).
  const otpSender = sender("otp", otpMail);
  const sendVerificationOTP = (args) => otpSender(args, undefined);

  return {
    ...base,
    emailVerification: {
      ...base.emailVerification,
      sendVerificationEmail,
      sendOnSignUp: true,
      autoSignInAfterVerification: true,
    },
    emailAndPassword: {
      ...base.emailAndPassword,
      enabled: true,
      sendResetPassword,
      revokeSessionsOnPasswordReset: true,
    },
    user: {
      ...base.user,
      changeEmail: { ...base.user?.changeEmail, enabled: true, sendChangeEmailConfirmation },
      deleteUser: { ...base.user?.deleteUser, enabled: true, sendDeleteAccountVerification },
    },
    plugins: [...(base.plugins ?? []), emailOTP({ sendVerificationOTP, storeOTP: "hashed" })],
  };
}
