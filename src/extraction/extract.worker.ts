import { extract, type Metadata } from './extract.js';

/** A page to extract, as piscina hands it to the worker. */
export interface ExtractTask {
  html: string;
  url: string;
}

/** Piscina entry point: runs {@link extract} on one page inside a worker thread. */
export default function extractTask(task: ExtractTask): Metadata {
  return extract(task.html, task.url);
}
