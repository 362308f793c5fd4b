declare module 'probe-image-size/sync.js' {
  interface ProbeResult {
    width: number;
    height: number;
    type: string;
    mime: string;
    wUnits: string;
    hUnits: string;
  }
  function probeSync(data: Uint8Array): ProbeResult | null;
  export default probeSync;
}
