/** The tab icon, served as /assets/favicon.svg: three balls in flight, volley's colours. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#1f6feb"/>
<circle cx="9" cy="22" r="4" fill="#fff"/>
<circle cx="16" cy="15" r="4" fill="#fff" opacity=".8"/>
<circle cx="23" cy="8" r="4" fill="#fff" opacity=".6"/>
</svg>
`;
