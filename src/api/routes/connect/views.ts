import { providers } from '../../../providers/registry.ts';
import type { ProviderId, RegisteredDefinition } from '../../../providers/registry.ts';
import type { CredentialField, Family } from '../../../providers/types.ts';
import { esc, layout, type Branding } from './layout.ts';
import { markSvg } from './marks.ts';
import { strings } from './strings.ts';

/** What went wrong with a submission: a summary, what to do, and messages by field name. */
export interface FormProblem {
  message: string;
  help?: string | undefined;
  fields?: Record<string, string>;
}

export interface FormOptions {
  problem?: FormProblem | undefined;
  values?: Record<string, string>;
  branding?: Branding;
  /** The session offers other platforms: link back to the picker. */
  canChooseAnother?: boolean;
}

function field(f: CredentialField, value: string, problem?: string): string {
  const type = f.secret ? 'password' : f.isUrl ? 'url' : 'text';
  const id = `f-${f.name}`;
  const err = problem ? `<p class="field-error" id="${esc(id)}-error">${esc(problem)}</p>` : '';
  const described = problem ? ` aria-invalid="true" aria-describedby="${esc(id)}-error"` : '';
  return `<label for="${esc(id)}">${esc(f.label)}${f.optional ? ` ${strings.optional}` : ''}</label>
<input id="${esc(id)}" name="${esc(f.name)}" type="${type}" value="${f.secret ? '' : esc(value)}"${f.optional ? '' : ' required'}${described} autocomplete="${f.secret ? 'new-password' : 'off'}">${err}`;
}

function problemBox(p?: FormProblem): string {
  if (!p) return '';
  return `<div class="error" role="alert" tabindex="-1" id="problem"><p><strong>${esc(p.message)}</strong></p>${p.help ? `<p>${esc(p.help)}</p>` : ''}</div>`;
}

/** The form for one platform: one button for OAuth platforms, the credential fields for the others. */
export function connectPage(def: RegisteredDefinition, token: string, opts: FormOptions = {}): string {
  const values = opts.values ?? {};
  const fieldsHtml = (fields: readonly CredentialField[]) =>
    fields.map((f) => field(f, values[f.name] ?? '', opts.problem?.fields?.[f.name])).join('');
  const hidden = `<input type="hidden" name="provider" value="${esc(def.id)}">`;
  const heading = `<div class="heading">${markSvg(def.id)}<h1>${esc(strings.connectTitle(def.displayName))}</h1></div>`;
  const back = opts.canChooseAnother
    ? `<a class="back" href="/connect/${esc(token)}">← ${esc(strings.chooseAnother)}</a>`
    : '';
  const config = def.connectionConfig ?? [];
  const oauth = def.auth.kind === 'oauth2' || def.auth.kind === 'oauth1a';
  const body = oauth
    ? `${heading}<p>${esc(strings.oauthIntro(def.displayName))}</p>${problemBox(opts.problem)}
<form method="post" action="/connect/${esc(token)}/authorize">${hidden}${fieldsHtml(config)}
<button type="submit">${esc(strings.oauthButton(def.displayName))}</button></form>${back}`
    : `${heading}<p>${esc(strings.credentialIntro(def.displayName))}</p>${problemBox(opts.problem)}
<form method="post" action="/connect/${esc(token)}/credentials">${hidden}${fieldsHtml([...config, ...(def.auth.kind === 'oauth2' || def.auth.kind === 'oauth1a' ? [] : def.auth.fields)])}
<button type="submit">${esc(strings.credentialButton)}</button></form>${back}`;
  return layout(strings.connectTitle(def.displayName), body, opts.branding ? { branding: opts.branding } : {});
}

/** The picker: each offered platform with its mark and name, grouped as ads platforms and websites. */
export function pickerPage(
  offered: readonly ProviderId[],
  token: string,
  opts: { branding: Branding; problem?: string | undefined },
): string {
  const byFamily = new Map<Family, ProviderId[]>();
  for (const id of offered) byFamily.set(providers[id].family, [...(byFamily.get(providers[id].family) ?? []), id]);
  const groups = [...byFamily]
    .map(
      ([family, ids]) =>
        `<h2 id="fam-${family}">${esc(strings.families[family])}</h2><ul class="platforms" aria-labelledby="fam-${family}">${ids
          .map(
            (id) =>
              `<li><a href="/connect/${esc(token)}?provider=${encodeURIComponent(id)}">${markSvg(id)}<span>${esc(providers[id].displayName)}</span></a></li>`,
          )
          .join('')}</ul>`,
    )
    .join('');
  const problem = opts.problem ? `<div class="error" role="alert"><p>${esc(opts.problem)}</p></div>` : '';
  return layout(
    strings.pickTitle,
    `<h1>${esc(strings.pickTitle)}</h1><p>${esc(strings.pickIntro(opts.branding.name))}</p>${problem}${groups}`,
    { branding: opts.branding },
  );
}
