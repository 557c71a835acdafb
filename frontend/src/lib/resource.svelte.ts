// Load something from the API when a component mounts (and again when what the loader
// reads changes), with loading and error state and a reload for "Try again".

export class Resource<T> {
  data = $state.raw<T | undefined>(undefined);
  error = $state<unknown>(null);
  loading = $state(true);
  #attempt = $state(0);

  /** Must be created while a component initialises (it owns an effect). */
  constructor(load: (signal: AbortSignal) => Promise<T>) {
    $effect(() => {
      void this.#attempt;
      const controller = new AbortController();
      this.loading = true;
      this.error = null;
      load(controller.signal).then(
        (d) => {
          if (controller.signal.aborted) return;
          this.data = d;
          this.loading = false;
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          this.error = err;
          this.loading = false;
        },
      );
      return () => controller.abort();
    });
  }

  reload = (): void => {
    this.#attempt++;
  };

  /** Replace the data without a request (after a change the page made itself). */
  set(d: T): void {
    this.data = d;
  }
}
