// Stylesheets are bundled by esbuild into timeline.css; importing one has no value.
declare module '*.css';
