import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  data,
  Form,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteLoaderData,
} from "@remix-run/react";
import { useState } from "react";
import { AuthenticityTokenInput, AuthenticityTokenProvider } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "./components/error-boundary.tsx";
import styles from "./styles.css?url";
import { useNonce } from "./utils/nonce.ts";
import { csrf } from "./utils/csrf.server.ts";
import { getUser } from "./utils/session.server.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, [csrfToken, csrfCookie]] = await Promise.all([getUser(request), csrf.commitToken(request)]);
  return data(
    { user: user && { id: user.id, name: user.name, role: user.role, paused: Boolean(user.pausedAt) }, csrfToken },
    { headers: csrfCookie ? { "Set-Cookie": csrfCookie } : {} },
  );
}

export function useOptionalUser() {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}

function Nav() {
  const user = useOptionalUser();
  // On a phone the links fold behind a menu button, so the header stays one line high; the menu opened on one page
  // is folded again on the page a link leads to.
  const { pathname } = useLocation();
  const [menu, setMenu] = useState({ open: false, on: pathname });
  const menuOpen = menu.open && menu.on === pathname;
  return (
    <header className="topbar">
      <NavLink to="/" className="brand">
        Pairwise
      </NavLink>
      <button
        type="button"
        className="menu-toggle"
        aria-expanded={menuOpen}
        aria-controls="site-menu"
        onClick={() => setMenu({ open: !menuOpen, on: pathname })}
      >
        Menu
      </button>
      <div id="site-menu" className={menuOpen ? "topbar-menu open" : "topbar-menu"}>
        <nav aria-label="Main">
          {user?.role !== "labeler" && user ? <NavLink to="/projects">Projects</NavLink> : null}
          {user?.role !== "labeler" && user ? <NavLink to="/tests">Tests</NavLink> : null}
          {user ? (
            <NavLink to="/work" end>
              Label
            </NavLink>
          ) : null}
          {user?.role === "labeler" ? <NavLink to="/work/quality">My quality</NavLink> : null}
          {user && user.role !== "admin" ? <NavLink to="/wallet">Wallet</NavLink> : null}
          {user ? <NavLink to="/playground">Playground</NavLink> : null}
          {user ? <NavLink to="/settings/api-keys">API keys</NavLink> : null}
          {user?.role === "admin" ? <NavLink to="/admin/treasury">Treasury</NavLink> : null}
          {user?.role === "admin" ? <NavLink to="/admin/abuse">Abuse signals</NavLink> : null}
          <NavLink to="/transparency">Transparency</NavLink>
        </nav>
        <div className="who">
          {user ? (
            <Form method="post" action="/logout">
              <AuthenticityTokenInput />
              <span className="muted">
                {user.name} · {user.role}
              </span>{" "}
              <button type="submit" className="link">
                Sign out
              </button>
            </Form>
          ) : (
            <>
              <NavLink to="/login">Sign in</NavLink> <NavLink to="/signup">Sign up</NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <AuthenticityTokenProvider token={data?.csrfToken ?? ""}>
      <Nav />
      <main>
        <Outlet />
      </main>
    </AuthenticityTokenProvider>
  );
}

/** An error above every route still gets the header, so the person can go on from it. */
export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <AuthenticityTokenProvider token={data?.csrfToken ?? ""}>
      <Nav />
      <main>
        <GeneralErrorBoundary />
      </main>
    </AuthenticityTokenProvider>
  );
}
