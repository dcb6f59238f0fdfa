/** Stable Diffusion 1.x scheduler_config.json (runwayml/stable-diffusion-v1-5, DDIM). */
export const SD_CONFIG = {
  _class_name: 'DDIMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  steps_offset: 1,
  trained_betas: null,
} as const;
