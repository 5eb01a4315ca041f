// The scenario of the base: replace it with yours (or point an overlay at another file).
import { between, user } from 'volley';

export default user({
  wait: between(0.5, 1.5),
  tasks: [
    async (vu) => {
      await vu.http.get('/');
    },
  ],
});
