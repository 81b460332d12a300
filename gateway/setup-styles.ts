/**
 * The setup page's stylesheet, served as a file (`/setup/setup.css`) because the CSP allows no
 * inline style. Its colours, type and spacing are the phone client's (mobile-web/src/styles.css),
 * light and dark from the system, so the desktop's page and the phone's look like one product.
 */
export const SETUP_STYLESHEET = `:root{color-scheme:light dark;--bg:#f8fafc;--surface:#fff;--surface-2:#eef2f7;--text:#0f172a;--muted:#475569;--border:#cbd5e1;
--primary:#1d4ed8;--primary-hover:#1e40af;--on-primary:#fff;--link:#1d4ed8;--danger:#b91c1c;--danger-bg:#fee2e2;--success:#166534;--success-bg:#dcfce7;
--warning:#92400e;--warning-bg:#fef3c7;--info:#1e40af;--info-bg:#dbeafe;--neutral:#334155;--neutral-bg:#e2e8f0;--focus:#2563eb;--radius:12px;
font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:100%;line-height:1.45}
@media (prefers-color-scheme:dark){:root{--bg:#0f172a;--surface:#1e293b;--surface-2:#162033;--text:#e2e8f0;--muted:#a3b1c6;--border:#334155;
--primary:#2563eb;--primary-hover:#1d4ed8;--link:#93c5fd;--danger:#fca5a5;--danger-bg:#450a0a;--success:#86efac;--success-bg:#052e16;--warning:#fcd34d;
--warning-bg:#422006;--info:#93c5fd;--info-bg:#172554;--neutral:#cbd5e1;--neutral-bg:#334155;--focus:#93c5fd}}
*,*::before,*::after{box-sizing:border-box}
html{background:var(--bg);color:var(--text)}
body{margin:0;overflow-wrap:anywhere}
main{display:flex;flex-direction:column;gap:1.25rem;max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1,h2,p,ul,ol{margin:0}
.steps{display:flex;flex-direction:column;gap:.4rem;padding-left:1.5rem}
h1{font-size:1.5rem;line-height:1.25}
h2{font-size:1.125rem}
section{display:flex;flex-direction:column;gap:.75rem;padding:1rem;background:var(--surface);border:1px solid var(--border);border-radius:var(--radius)}
a{color:var(--link)}
code{font-family:ui-monospace,'SF Mono',Menlo,monospace;font-size:.95em;background:var(--surface-2);border:1px solid var(--border);border-radius:6px;padding:0 .3em}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.muted{color:var(--muted)}
.danger{color:var(--danger)}
.facts{list-style:none;padding:0;display:flex;flex-direction:column;gap:.5rem}
.badge{display:inline-flex;align-items:center;padding:.1rem .55rem;border-radius:999px;font-size:.8125rem;font-weight:700;line-height:1.5;white-space:nowrap;background:var(--neutral-bg);color:var(--neutral)}
.badge--running{background:var(--info-bg);color:var(--info)}
.badge--waiting{background:var(--warning-bg);color:var(--warning)}
.badge--succeeded{background:var(--success-bg);color:var(--success)}
.badge--failed{background:var(--danger-bg);color:var(--danger)}
.notice{padding:.75rem .9rem;border-radius:var(--radius);border:1px solid currentColor}
.notice--error{color:var(--danger);background:var(--danger-bg)}
.tasks{list-style:none;padding:0;border:1px solid var(--border);border-radius:var(--radius);overflow:hidden}
.tasks>li+li{border-top:1px solid var(--border)}
.task{display:flex;flex-direction:column;gap:.4rem;padding:.75rem .9rem}
.task__prompt{font-weight:600}
.task__meta{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;font-size:.875rem;color:var(--muted)}
.task__note{flex:1;min-width:8rem}
.qr{display:block;width:16rem;height:16rem;padding:.75rem;background:#fff;image-rendering:pixelated;border:1px solid var(--border);border-radius:var(--radius)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.5rem .4rem;border-bottom:1px solid var(--border);vertical-align:top}
th{font-size:.875rem;color:var(--muted)}
form{display:inline-flex;flex-wrap:wrap;gap:.4rem;margin:.15rem 0}
input[type=text]{width:11rem;min-height:44px;padding:.5rem .7rem;border:1px solid var(--border);border-radius:var(--radius);background:var(--surface);color:var(--text);font:inherit}
button{min-height:44px;padding:.25rem .9rem;border:1px solid var(--border);border-radius:var(--radius);background:var(--surface);color:var(--text);font:inherit;font-weight:600;cursor:pointer}
button:hover{background:var(--surface-2)}
button.danger{border:2px solid currentColor;color:var(--danger)}
`;
