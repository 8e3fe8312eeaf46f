// Better Auth organization options for the reference server (reference-server.mjs
// with ORG=1):
//
//   withOrgOptions(baseOptions, { baseURL, outboxDir, callbackLog })
//
// appends to the plugins:
//   organization({
//     teams: { enabled: true },                  // + default team per organization (BA default)
//     dynamicAccessControl: { enabled: true },   // + organizationRole table, /organization/*-role
//     ac,                                         // createAccessControl(defaultStatements)
//     roles: { owner, admin, member },            // BA's default roles, rebuilt on `ac`
//     sendInvitationEmail,                        // only when outboxDir is given
//   })
// Every other organization option keeps Better Auth's default (creatorRole "owner",
// membershipLimit 100, invitationLimit 100, invitationExpiresIn 48 h,
// requireEmailVerificationOnInvitation unset -> false with the built-in ids,
// cancelPendingInvitationsOnReInvite false, allowUserToCreateOrganization true,
// teams.defaultTeam enabled, teams.allowRemovingAllTeams false, ...).
//
// Schema: adds the tables organization, member, invitation, team, teamMember,
// organizationRole and the session columns activeOrganizationId, activeTeamId.
//
// Invitation mail (lib/outbox.mjs contract, kind "invitation"): to = invitee address
// (lower-cased by Better Auth), text = intro naming the inviter (name + email) and the
// organization, then the accept link `${origin of baseURL}/accept-invitation/<invitation id>`
// alone on its own line. Better Auth itself builds no link: the app decides where the
// invitee lands; this is the conventional page from Better Auth's docs.
// callbackLog: optional file; one JSON line per sendInvitationEmail call with its
// first argument (what Better Auth hands the callback) and a description of the second.

import { appendFileSync } from "node:fs";
import { organization } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import { writeMail } from "./outbox.mjs";

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** The access-control instance and roles the reference server uses (= Better Auth's defaults). */
export function defaultAccessControl() {
  const ac = createAccessControl(defaultStatements);
  return {
    ac,
    roles: {
      owner: ac.newRole(ownerAc.statements),
      admin: ac.newRole(adminAc.statements),
      member: ac.newRole(memberAc.statements),
    },
  };
}

/** The accept link carried by an invitation mail. */
export function invitationLink(baseURL, invitationId) {
  return `${new URL(baseURL).origin}/accept-invitation/${invitationId}`;
}

/** The outbox message for one invitation (kind "invitation"). */
export function invitationMail({ baseURL, email, inviter, organization: org, invitation }) {
  const url = invitationLink(baseURL, invitation.id);
  const who = `${inviter.user.name} (${inviter.user.email})`;
  const intro = `${who} invited you to join the organization "${org.name}" as ${invitation.role}.`;
  const outro = "If you were not expecting this invitation, ignore this message.";
  return {
    to: email,
    subject: `You are invited to join ${org.name}`,
    // The URL stands alone on its own line; nothing before it looks like a URL.
    text: `${intro}\n\nOpen this link to accept the invitation:\n\n${url}\n\n${outro}\n`,
    html:
      `<p>${esc(intro)}</p>\n<p>Open this link to accept the invitation:</p>\n` +
      `<p><a href="${esc(url)}">${esc(url)}</a></p>\n<p>${esc(outro)}</p>\n`,
    kind: "invitation",
  };
}

export function withOrgOptions(base, { baseURL, outboxDir = null, callbackLog = null }) {
  if (!baseURL) throw new Error("baseURL is required");
  const { ac, roles } = defaultAccessControl();

  const sendInvitationEmail = outboxDir
    ? async (data, request) => {
        if (callbackLog) {
          const second = request === undefined ? "undefined" : request instanceof Request ? `Request ${request.method} ${request.url}` : typeof request;
          appendFileSync(callbackLog, `${JSON.stringify({ at: new Date().toISOString(), kind: "invitation", args: data, secondArg: second })}\n`);
        }
        writeMail(outboxDir, invitationMail({ baseURL, ...data }));
      }
    : undefined;

  return {
    ...base,
    plugins: [
      ...(base.plugins ?? []),
      organization({
        teams: { enabled: true },
        dynamicAccessControl: { enabled: true },
        ac,
        roles,
        ...(sendInvitationEmail ? { sendInvitationEmail } : {}),
      }),
    ],
  };
}
